/** What a description is written from: the stored facts of one package (a PackageEntity fits). */
export interface DescribablePackage {
  id: string;
  title: string;
  filename: string;
  scormVersion: string | null;
  scoCount: number;
  lomDescription: string | null;
  contentSample: string;
  outline: string[];
  /** sha256 of the manifest and the content sample (what a description is made from); keys the AI description cache. */
  contentHash: string | null;
}
