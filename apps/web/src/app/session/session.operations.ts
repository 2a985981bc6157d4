import { gql } from 'apollo-angular';
import type { DescriptionTask, SessionDetails, SessionPackage } from './session.models';

export const PACKAGE_FIELDS = gql<SessionPackage, never>`
  fragment PackageFields on Package {
    id
    filename
    title
    position
    sizeBytes
    scormVersion
    scoCount
    description
    descriptionSource
    error
    warnings
  }
`;

export const DESCRIPTION_TASK_FIELDS = gql<DescriptionTask, never>`
  fragment DescriptionTaskFields on DescriptionTask {
    id
    status
    total
    completed
    failed
    progress
    message
    startedAt
    finishedAt
  }
`;

export const SESSION_QUERY = gql<{ session: SessionDetails | null }, { id: string }>`
  query Session($id: ID!) {
    session(id: $id) {
      id
      createdAt
      expiresAt
      packages {
        ...PackageFields
      }
      descriptionTask {
        ...DescriptionTaskFields
      }
    }
  }
  ${PACKAGE_FIELDS}
  ${DESCRIPTION_TASK_FIELDS}
`;
