import { Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { PackageEntity } from '../packages/package.entity';

@Entity('session')
export class SessionEntity {
  /** An unguessable token: knowing it is what grants access to the session. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @CreateDateColumn({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  updatedAt!: Date | null;

  @OneToMany(() => PackageEntity, (pkg) => pkg.session)
  packages?: PackageEntity[];
}
