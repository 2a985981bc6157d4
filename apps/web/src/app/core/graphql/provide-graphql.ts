import { provideHttpClient, withFetch } from '@angular/common/http';
import { EnvironmentProviders, Provider, inject } from '@angular/core';
import { ApolloLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { provideApollo } from 'apollo-angular';
import { HttpLink } from 'apollo-angular/http';
import { OperationTypeNode } from 'graphql';
import { graphqlTypePolicies } from './type-policies';
import { RealtimeClient } from './realtime-client';

export const GRAPHQL_PATH = '/graphql';

/**
 * Apollo with two transports: queries and mutations over HTTP (Angular's HttpClient),
 * subscriptions over graphql-ws on the same path.
 */
export function provideGraphql(): (Provider | EnvironmentProviders)[] {
  return [
    provideHttpClient(withFetch()),
    provideApollo(() => {
      const http = inject(HttpLink).create({ uri: GRAPHQL_PATH });
      const realtime = new GraphQLWsLink(inject(RealtimeClient).client);
      return {
        link: ApolloLink.split(
          (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
          realtime,
          http,
        ),
        cache: new InMemoryCache({ typePolicies: graphqlTypePolicies }),
      };
    }),
  ];
}
