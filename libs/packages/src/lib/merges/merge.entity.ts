import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BYTE_SIZE } from '../persistence/dialect-column-types';
import { TaskStatus } from '../shared/task-status';
import { SessionEntity } from '../sessions/session.entity';

export interface MergedModuleRecord {
  folder: string;
  title: string;
  scoCount: number;
  items: string[];
}

@Entity('merge')
@Index('IDX_merge_session', ['sessionId'])
// The database itself refuses a second active merge per session, whichever instance inserts it.
@Index('UQ_merge_active_session', ['sessionId'], {
  unique: true,
  where: `"status" IN ('QUEUED', 'RUNNING')`,
})
export class MergeEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sessionId', foreignKeyConstraintName: 'FK_merge_session' })
  session?: SessionEntity;

  @Column({ type: 'text' })
  status!: TaskStatus;

  @Column({ type: 'integer', default: 0 })
  progress!: number;

  @Column({ type: 'text', nullable: true })
  step!: string | null;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'boolean', default: true })
  includeMenu!: boolean;

  /** The packages merged, in course order, fixed when the merge starts. */
  @Column({ type: 'simple-json' })
  packageIds!: string[];

  /** Path of the finished zip relative to DATA_DIR's merges folder. */
  @Column({ type: 'text', nullable: true })
  outputPath!: string | null;

  @Column({ type: 'integer', nullable: true, transformer: BYTE_SIZE })
  sizeBytes!: number | null;

  @Column({ type: 'text', nullable: true })
  scormVersion!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  outline!: MergedModuleRecord[] | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** What the merge had to adapt or leave out, in plain words (MergeResult.warnings). */
  @Column({ type: 'simple-json', default: () => "'[]'" })
  warnings!: string[];

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  finishedAt!: Date | null;
}
