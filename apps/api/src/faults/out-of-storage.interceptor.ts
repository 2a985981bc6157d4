import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { isOutOfSpaceError, OUT_OF_STORAGE_MESSAGE } from '@scorm-merge/packages';
import { catchError, type Observable, throwError } from 'rxjs';

/**
 * A write that fails because the disk is full (SQLITE_FULL from the database, ENOSPC from a file) reaches
 * users as "The server is out of storage space" with 507, never as the raw driver error.
 */
@Injectable()
export class OutOfStorageInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() =>
            isOutOfSpaceError(error)
              ? new HttpException(OUT_OF_STORAGE_MESSAGE, HttpStatus.INSUFFICIENT_STORAGE)
              : error,
          ),
        ),
      );
  }
}
