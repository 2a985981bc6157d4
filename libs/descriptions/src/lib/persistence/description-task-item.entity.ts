import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { DescriptionSourceValue } from '@scorm-merge/packages';
import { DescriptionTaskEntity } from './description-task.entity';

export const ITEM_STATUSES = ['PENDING', 'RUNNING', 'DONE', 'FAILED'] as const;
export type ItemStatusValue = (typeof ITEM_STATUSES)[number];

/**
 * One package of a task. No foreign key to the package: when a package is removed mid-task the
 * item stays and is marked FAILED, so the task's counts still add up.
 */
@Entity('description_task_item')
@Index('IDX_description_task_item_status', ['taskId', 'status'])
export class DescriptionTaskItemEntity {
  @PrimaryColumn({ type: 'text' })
  taskId!: string;

  @PrimaryColumn({ type: 'text' })
  packageId!: string;

  @ManyToOne(() => DescriptionTaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'taskId', foreignKeyConstraintName: 'FK_description_task_item_task' })
  task?: DescriptionTaskEntity;

  /** Processing order (the course order when the task started). */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text', default: 'PENDING' })
  status!: ItemStatusValue;

  @Column({ type: 'text', nullable: true })
  source!: DescriptionSourceValue | null;

  /** True when the AI failed after every retry and the local generator stood in. */
  @Column({ type: 'boolean', default: false })
  fallback!: boolean;

  /** Requests made to the AI provider for this item. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'datetime', nullable: true })
  finishedAt!: Date | null;
}
