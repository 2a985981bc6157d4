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
  /** sha256 of the zip; keys the AI description cache. */
  contentHash: string | null;
}
