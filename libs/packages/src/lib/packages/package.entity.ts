import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BYTE_SIZE } from '../persistence/dialect-column-types';
import { SessionEntity } from '../sessions/session.entity';

export const DESCRIPTION_SOURCES = ['MANIFEST', 'LOCAL', 'AI', 'CACHE', 'MANUAL'] as const;
export type DescriptionSourceValue = (typeof DESCRIPTION_SOURCES)[number];

@Entity('package')
@Index('IDX_package_session_position', ['sessionId', 'position'])
export class PackageEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, (session) => session.packages, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sessionId', foreignKeyConstraintName: 'FK_package_session' })
  session?: SessionEntity;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  filename!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'integer', transformer: BYTE_SIZE })
  sizeBytes!: number;

  /** sha256 of the manifest and content sample (see descriptionSourceHash); keys the description cache. */
  @Column({ type: 'text', nullable: true })
  contentHash!: string | null;

  /** Path of the stored zip relative to DATA_DIR; null for rejected uploads. */
  @Column({ type: 'text', nullable: true })
  storagePath!: string | null;

  @Column({ type: 'text', nullable: true })
  scormVersion!: string | null;

  @Column({ type: 'integer', default: 0 })
  scoCount!: number;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text', default: 'LOCAL' })
  descriptionSource!: DescriptionSourceValue;

  @Column({ type: 'text', nullable: true })
  lomDescription!: string | null;

  @Column({ type: 'text', default: '' })
  contentSample!: string;

  @Column({ type: 'simple-json' })
  outline!: string[];

  @Column({ type: 'simple-json' })
  warnings!: string[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;
}
