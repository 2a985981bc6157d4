export const CREATE_SESSION = /* GraphQL */ `
  mutation CreateSession {
    createSession {
      id
    }
  }
`;

export interface CreateSessionResult {
  createSession: { id: string };
}
