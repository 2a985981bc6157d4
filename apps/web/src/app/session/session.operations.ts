export const SESSION_QUERY = /* GraphQL */ `
  query Session($id: ID!) {
    session(id: $id) {
      id
      createdAt
      packages {
        id
        filename
        title
        scormVersion
        scoCount
        description
        descriptionSource
        error
        warnings
        position
      }
    }
  }
`;

export type DescriptionSource = 'MANIFEST' | 'LOCAL' | 'AI' | 'CACHE' | 'MANUAL';

export interface SessionPackage {
  id: string;
  filename: string;
  title: string;
  scormVersion: string | null;
  scoCount: number;
  description: string;
  descriptionSource: DescriptionSource;
  error: string | null;
  warnings: string[];
  position: number;
}

export interface SessionDetails {
  id: string;
  createdAt: string;
  packages: SessionPackage[];
}

export interface SessionQueryResult {
  session: SessionDetails | null;
}

// A type alias (not an interface) so it is assignable to GraphqlVariables.
export type SessionQueryVariables = { id: string };
