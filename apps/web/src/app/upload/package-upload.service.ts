import { Injectable } from '@angular/core';
import { Observable } from 'rxjs';
import { RequestError, messageOf, parseJson } from '../core/request-error';
import type { SessionPackage } from '../session/session.models';

export type UploadEvent =
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'sent' }
  | { type: 'done'; packages: SessionPackage[] };

/**
 * Sends zips to `POST /api/sessions/:id/packages` (GraphQL carries no files) with
 * XMLHttpRequest, whose upload progress events drive the per-file progress bars.
 * Unsubscribing aborts the request.
 */
@Injectable({ providedIn: 'root' })
export class PackageUploadService {
  upload(sessionId: string, file: File): Observable<UploadEvent> {
    return new Observable<UploadEvent>((subscriber) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/sessions/${encodeURIComponent(sessionId)}/packages`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) {
          subscriber.next({ type: 'progress', loaded: event.loaded, total: event.total });
        }
      });
      xhr.upload.addEventListener('load', () => subscriber.next({ type: 'sent' }));
      xhr.addEventListener('load', () => {
        const body = parseJson(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300 && Array.isArray(body)) {
          subscriber.next({ type: 'done', packages: body as SessionPackage[] });
          subscriber.complete();
        } else if (xhr.status >= 200 && xhr.status < 300) {
          subscriber.error(new RequestError('The server sent an answer that could not be read.', xhr.status));
        } else {
          subscriber.error(
            new RequestError(messageOf(body) ?? `The server answered ${xhr.status}.`, xhr.status),
          );
        }
      });
      xhr.addEventListener('error', () =>
        subscriber.error(new RequestError('The upload was interrupted: the server could not be reached.')),
      );
      xhr.addEventListener('abort', () => subscriber.complete());

      const form = new FormData();
      form.append('files', file, file.name);
      xhr.send(form);
      return () => {
        if (xhr.readyState !== XMLHttpRequest.DONE) {
          xhr.abort();
        }
      };
    });
  }
}
