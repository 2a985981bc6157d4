import { Injectable } from '@angular/core';
import { RequestError, errorFromResponse, readJson } from '../core/request-error';
import { SessionPackage } from './session.operations';

/** Uploads package zips to the REST endpoint (GraphQL carries no files). */
@Injectable({ providedIn: 'root' })
export class PackageUploadService {
  async upload(sessionId: string, files: readonly File[]): Promise<SessionPackage[]> {
    const form = new FormData();
    for (const file of files) {
      form.append('files', file, file.name);
    }
    const response = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/packages`, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      body: form,
    });
    const body = await readJson(response);
    if (!response.ok) {
      throw errorFromResponse(response, body);
    }
    if (!Array.isArray(body)) {
      throw new RequestError('The server sent an answer that could not be read.', response.status);
    }
    return body as SessionPackage[];
  }
}
