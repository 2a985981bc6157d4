import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { GraphqlHttpService } from '../core/graphql-http.service';
import { describeError } from '../core/request-error';
import { CREATE_SESSION, CreateSessionResult } from './home.operations';

@Component({
  selector: 'sm-home-page',
  templateUrl: './home-page.component.html',
  styleUrl: './home-page.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePageComponent {
  private readonly graphql = inject(GraphqlHttpService);
  private readonly router = inject(Router);

  readonly creating = signal(false);
  readonly error = signal<string | null>(null);

  async startMerge(): Promise<void> {
    if (this.creating()) {
      return;
    }
    this.creating.set(true);
    this.error.set(null);
    try {
      const { createSession } = await this.graphql.request<CreateSessionResult>(CREATE_SESSION);
      await this.router.navigate(['/s', createSession.id]);
    } catch (error) {
      this.error.set(`Could not start a new merge. ${describeError(error)}`);
    } finally {
      this.creating.set(false);
    }
  }
}
