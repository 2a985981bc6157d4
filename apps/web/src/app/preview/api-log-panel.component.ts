import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatIconModule } from '@angular/material/icon';
import { filterCalls, formatCalls, type ApiCall } from './api-call-log';

/** Rows drawn at once: a long session keeps every call, the table shows the newest. */
const SHOWN = 500;

/** The data-model log: every API call with its element, value, return and error code; filter and copy. */
@Component({
  selector: 'sm-api-log-panel',
  imports: [MatButtonModule, MatCheckboxModule, MatIconModule],
  template: `
    <section class="log" aria-labelledby="log-title" data-testid="api-log">
      <header class="log__head">
        <h2 id="log-title" class="log__title">Data-model log</h2>
        <label class="log__filter">
          <span class="visually-hidden">Filter the log</span>
          <input
            type="search"
            placeholder="Filter: element, value, call…"
            data-testid="log-filter"
            [value]="filter()"
            (input)="filter.set($any($event.target).value)"
          />
        </label>
        <mat-checkbox
          data-testid="log-errors-only"
          [checked]="errorsOnly()"
          (change)="errorsOnly.set($event.checked)"
          >Errors only</mat-checkbox
        >
        <button mat-stroked-button type="button" data-testid="log-copy" (click)="copy()">
          <mat-icon aria-hidden="true">content_copy</mat-icon>
          Copy as text
        </button>
      </header>
      <p class="muted log__count" data-testid="log-count">
        {{ shown().length }} of {{ calls().length }} calls
        @if (shown().length > rows().length) {
          · the newest {{ rows().length }} are listed
        }
      </p>
      <div class="log__scroll" tabindex="0" aria-label="API calls">
        <table class="log__table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Caller</th>
              <th scope="col">Call</th>
              <th scope="col">Element</th>
              <th scope="col">Value</th>
              <th scope="col">Return</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            @for (call of rows(); track call.seq) {
              <tr data-testid="log-row" [class.log__row--error]="call.errorCode !== '0'">
                <td>{{ call.seq }}</td>
                <td>{{ call.caller }}</td>
                <td data-testid="log-method">{{ call.method }}</td>
                <td data-testid="log-element">{{ call.element }}</td>
                <td data-testid="log-value">{{ call.value }}</td>
                <td data-testid="log-result">{{ call.result }}</td>
                <td data-testid="log-error">{{ call.errorCode }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>
      <p class="visually-hidden" role="status" aria-live="polite">{{ copyStatus() }}</p>
    </section>
  `,
  styles: `
    .log__head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1rem;
    }
    .log__title {
      margin: 0;
      font-size: 1.05rem;
    }
    .log__filter input {
      min-width: 16rem;
      padding: 0.4rem 0.6rem;
      border: 1px solid var(--color-border);
      border-radius: var(--radius);
      font: inherit;
    }
    .log__count {
      margin: 0.4rem 0;
      font-size: 0.85rem;
    }
    .log__scroll {
      max-height: 22rem;
      overflow: auto;
      border: 1px solid var(--color-border);
      border-radius: var(--radius);
    }
    .log__table {
      width: 100%;
      border-collapse: collapse;
      font-family: ui-monospace, monospace;
      font-size: 0.8rem;
    }
    th,
    td {
      padding: 0.2rem 0.5rem;
      text-align: start;
      border-bottom: 1px solid var(--color-border);
      vertical-align: top;
      word-break: break-all;
    }
    th {
      position: sticky;
      top: 0;
      background: var(--color-surface);
    }
    .log__row--error td {
      color: var(--color-error);
      background: var(--color-error-bg);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiLogPanelComponent {
  readonly calls = input.required<readonly ApiCall[]>();

  readonly filter = signal('');
  readonly errorsOnly = signal(false);
  readonly copyStatus = signal('');
  readonly shown = computed(() => filterCalls(this.calls(), this.filter(), this.errorsOnly()));
  readonly rows = computed(() => this.shown().slice(-SHOWN));

  async copy(): Promise<void> {
    const text = formatCalls(this.shown());
    try {
      await navigator.clipboard.writeText(text);
      this.copyStatus.set(`${this.shown().length} calls copied.`);
    } catch {
      this.copyStatus.set('The browser did not allow copying.');
    }
  }
}
