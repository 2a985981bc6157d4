import { Routes } from '@angular/router';

export const appRoutes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'SCORM Merge',
    loadComponent: () => import('./home/home-page.component').then((m) => m.HomePageComponent),
  },
  {
    path: 's/:sessionId',
    title: 'Session · SCORM Merge',
    loadComponent: () => import('./session/session-page.component').then((m) => m.SessionPageComponent),
  },
  { path: '**', redirectTo: '' },
];
