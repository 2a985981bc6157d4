import { Injectable } from '@angular/core';
import { RequestError, errorFromResponse, readJson } from './request-error';

export type GraphqlVariables = Record<string, unknown>;

interface GraphqlResponse<TData> {
  data?: TData | null;
  errors?: readonly { message: string }[];
}

/**
 * A thin GraphQL-over-HTTP client (POST, JSON) for `/graphql`.
 * Queries and mutations only; subscriptions arrive with apollo-angular later.
 */
@Injectable({ providedIn: 'root' })
export class GraphqlHttpService {
  private readonly endpoint = '/graphql';

  async request<TData, TVariables extends GraphqlVariables = GraphqlVariables>(
    query: string,
    variables?: TVariables,
    options: { signal?: AbortSignal } = {},
  ): Promise<TData> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query, variables: variables ?? {} }),
      signal: options.signal,
    });
    const body = await readJson(response);

    if (!isGraphqlResponse<TData>(body)) {
      throw response.ok
        ? new RequestError('The server sent an answer that could not be read.', response.status)
        : errorFromResponse(response, body);
    }
    if (body.errors?.length) {
      throw new RequestError(body.errors.map((error) => error.message).join(' '), response.status);
    }
    if (body.data === undefined || body.data === null) {
      throw errorFromResponse(response, body);
    }
    return body.data;
  }
}

function isGraphqlResponse<TData>(body: unknown): body is GraphqlResponse<TData> {
  return typeof body === 'object' && body !== null && ('data' in body || 'errors' in body);
}
