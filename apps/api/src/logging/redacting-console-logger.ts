import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { redactLogMessage, redactSessionIds } from './session-id-redaction';

/** Nest's console logger with session ids cut to a short prefix in every line, whichever module logs it. */
export class RedactingConsoleLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(
      messages.map((message) => redactLogMessage(message)),
      context,
      logLevel,
      writeStreamType,
      typeof errorStack === 'string' ? redactSessionIds(errorStack) : errorStack,
    );
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack ? redactSessionIds(stack) : stack);
  }
}
