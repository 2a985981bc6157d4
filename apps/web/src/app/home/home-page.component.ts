import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { Router } from '@angular/router';
import { Apollo } from 'apollo-angular';
import { firstValueFrom } from 'rxjs';
import { describeError } from '../core/request-error';
import { CREATE_SESSION } from './home.operations';

@Component({
  selector: 'sm-home-page',
  imports: [MatButtonModule, MatIconModule],
  templateUrl: './home-page.component.html',
  styleUrl: './home-page.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePageComponent {
  private readonly apollo = inject(Apollo);
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
      const { data } = await firstValueFrom(this.apollo.mutate({ mutation: CREATE_SESSION }));
      if (!data) {
        throw new Error('No session was created.');
      }
      await this.router.navigate(['/s', data.createSession.id]);
    } catch (error) {
      this.error.set(`Could not start a new merge. ${describeError(error)}`);
    } finally {
      this.creating.set(false);
    }
  }
}
