import { gql } from 'apollo-angular';

export const CREATE_SESSION = gql<{ createSession: { id: string } }, Record<string, never>>`
  mutation CreateSession {
    createSession {
      id
    }
  }
`;
