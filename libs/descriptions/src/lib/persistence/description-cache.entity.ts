import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An AI description of identical package bytes, reusable across sessions. */
@Entity('description_cache')
export class DescriptionCacheEntity {
  /** sha256 of the package zip. */
  @PrimaryColumn({ type: 'text' })
  contentHash!: string;

  @PrimaryColumn({ type: 'text' })
  model!: string;

  /** A new prompt version makes old entries unused rather than wrong. */
  @PrimaryColumn({ type: 'text' })
  promptVersion!: string;

  @Column({ type: 'text' })
  description!: string;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;
}
