import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Sqlite from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { WalCheckpointer } from './wal-checkpointer';

/** How often the worker looks for WAL pages to copy; a look that finds none costs next to nothing. */
const CHECKPOINT_INTERVAL_MS = 1000;

/** Runs the database's WAL checkpoints in a worker thread for as long as the server runs. */
@Injectable()
export class WalCheckpointService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WalCheckpoint');
  private checkpointer: WalCheckpointer | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const driver = this.dataSource.driver as unknown as { databaseConnection: Sqlite.Database };
    this.checkpointer = new WalCheckpointer({
      databasePath: this.dataSource.options.database as string,
      connection: driver.databaseConnection,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      onError: (error) =>
        this.logger.error({
          msg: 'WAL checkpoint worker failed; commits checkpoint themselves again',
          error,
        }),
    });
    try {
      await this.checkpointer.start();
      this.logger.log({ msg: 'WAL checkpoints run in a worker thread', intervalMs: CHECKPOINT_INTERVAL_MS });
    } catch (error) {
      this.logger.error({ msg: 'WAL checkpoint worker did not start', error: String(error) });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
  }
}
