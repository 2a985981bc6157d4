import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { once } from 'node:events';
import { REDIS_SETTINGS, type RedisSettings } from './redis-settings';

const PING_TIMEOUT_MS = 1000;
/** One log line per connection and outage, not one per reconnect attempt. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * Every Redis connection of the process, opened by name and quit on shutdown (after the workers and
 * queues that use them have closed). Nothing is opened in single-process mode.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly open: Redis[] = [];
  private healthClient: Redis | null = null;

  constructor(@Inject(REDIS_SETTINGS) readonly settings: RedisSettings | null) {}

  get enabled(): boolean {
    return this.settings !== null;
  }

  /** A new connection; ioredis reconnects it by itself after an outage. */
  connect(name: string, options: RedisOptions = {}): Redis {
    if (!this.settings) throw new Error('Redis is not configured (REDIS_URL is unset)');
    const client = new Redis(this.settings.url, { connectionName: `scorm-merge-${name}`, ...options });
    let lastLogged = 0;
    client.on('error', (error: Error) => {
      if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return;
      lastLogged = Date.now();
      this.logger.warn({ msg: 'redis connection error', connection: name, error: error.message });
    });
    client.on('ready', () => {
      if (lastLogged > 0) this.logger.log({ msg: 'redis connection back', connection: name });
      lastLogged = 0;
    });
    this.open.push(client);
    return client;
  }

  /** Null when Redis answers a PING within a second; otherwise why not. Null in single-process mode too. */
  async problem(): Promise<string | null> {
    if (!this.settings) return null;
    this.healthClient ??= this.connect('health', { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const client = this.healthClient;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        // A new client (or one reconnecting) may get ready within the second.
        (client.status === 'ready' ? Promise.resolve() : once(client, 'ready')).then(() => client.ping()),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer within 1 s')), PING_TIMEOUT_MS);
        }),
      ]);
      return null;
    } catch (error) {
      return `unreachable: ${(error as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.open.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  }
}
