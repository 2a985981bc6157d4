import { gql } from 'apollo-angular';
import type { DescriptionSource } from '../session/session.models';

interface PackagePosition {
  __typename: 'Package';
  id: string;
  position: number;
}

export interface SessionOrder {
  __typename: 'Session';
  id: string;
  expiresAt: string;
  packages: PackagePosition[];
}

export const REORDER_PACKAGES = gql<
  { reorderPackages: SessionOrder },
  { sessionId: string; packageIds: string[] }
>`
  mutation ReorderPackages($sessionId: ID!, $packageIds: [ID!]!) {
    reorderPackages(sessionId: $sessionId, packageIds: $packageIds) {
      id
      expiresAt
      packages {
        id
        position
      }
    }
  }
`;

export const REMOVE_PACKAGE = gql<{ removePackage: SessionOrder }, { sessionId: string; packageId: string }>`
  mutation RemovePackage($sessionId: ID!, $packageId: ID!) {
    removePackage(sessionId: $sessionId, packageId: $packageId) {
      id
      expiresAt
      packages {
        id
        position
      }
    }
  }
`;

export const UPDATE_DESCRIPTION = gql<
  {
    updateDescription: {
      __typename: 'Package';
      id: string;
      description: string;
      descriptionSource: DescriptionSource;
    };
  },
  { sessionId: string; packageId: string; description: string }
>`
  mutation UpdateDescription($sessionId: ID!, $packageId: ID!, $description: String!) {
    updateDescription(sessionId: $sessionId, packageId: $packageId, description: $description) {
      id
      description
      descriptionSource
    }
  }
`;
