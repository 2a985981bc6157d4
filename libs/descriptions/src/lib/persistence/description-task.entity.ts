import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SessionEntity, TaskStatus } from '@scorm-merge/packages';

/** One "generate descriptions" run for a session; survives restarts. */
@Entity('description_task')
@Index('IDX_description_task_session_created', ['sessionId', 'createdAt'])
// The database itself refuses a second active task per session, whatever happens in memory.
@Index('UQ_description_task_active_session', ['sessionId'], {
  unique: true,
  where: `"status" IN ('QUEUED', 'RUNNING')`,
})
export class DescriptionTaskEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sessionId', foreignKeyConstraintName: 'FK_description_task_session' })
  session?: SessionEntity;

  @Column({ type: 'text', default: 'QUEUED' })
  status!: TaskStatus;

  @Column({ type: 'integer', default: 0 })
  total!: number;

  /** Items described (AI, cache, local or fallback); only grows. */
  @Column({ type: 'integer', default: 0 })
  completed!: number;

  /** Items that could not be described at all (e.g. the package was removed meanwhile). */
  @Column({ type: 'integer', default: 0 })
  failed!: number;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** The packages the task covers, in course order at the time it started. */
  @Column({ type: 'simple-json' })
  packageIds!: string[];

  @Column({ type: 'boolean', default: false })
  regenerate!: boolean;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  finishedAt!: Date | null;
}
