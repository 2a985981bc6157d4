import { Routes } from '@angular/router';

export const appRoutes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'SCORM Merge',
    loadComponent: () => import('./home/home-page.component').then((m) => m.HomePageComponent),
  },
  {
    path: 's/:sessionId/preview/packages/:packageId',
    title: 'Preview · SCORM Merge',
    loadComponent: () => import('./preview/preview-page.component').then((m) => m.PreviewPageComponent),
  },
  {
    path: 's/:sessionId/preview/merges/:mergeId',
    title: 'Preview · SCORM Merge',
    loadComponent: () => import('./preview/preview-page.component').then((m) => m.PreviewPageComponent),
  },
  {
    path: 's/:sessionId',
    loadComponent: () => import('./session/session-page.component').then((m) => m.SessionPageComponent),
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Upload and sort · SCORM Merge',
        loadComponent: () => import('./sort/sort-step.component').then((m) => m.SortStepComponent),
      },
      {
        path: 'merge',
        title: 'Merge · SCORM Merge',
        loadComponent: () => import('./merge/merge-step.component').then((m) => m.MergeStepComponent),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
