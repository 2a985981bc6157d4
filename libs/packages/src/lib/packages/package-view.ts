import type { PackageEntity } from './package.entity';
import type { PackageModel } from './models/package.model';

/** The one public shape of a package, shared by GraphQL and the upload endpoint's JSON. */
export function toPackageView(entity: PackageEntity): PackageModel {
  return {
    id: entity.id,
    filename: entity.filename,
    title: entity.title,
    position: entity.position,
    sizeBytes: entity.sizeBytes,
    scormVersion: entity.scormVersion,
    scoCount: entity.scoCount,
    description: entity.description,
    descriptionSource: entity.descriptionSource,
    error: entity.error,
    warnings: entity.warnings,
    createdAt: entity.createdAt,
  };
}
