import { createBrowserRouter } from 'react-router-dom'
import { AccountPage } from '../features/account/components/AccountPage'
import { HomePage } from '../features/home/components/HomePage'
import { LoginPage } from '../features/session/components/LoginPage'
import { AppShell } from './AppShell'
import { features } from './features'
import { NotFoundPage } from './NotFoundPage'
import { RequirePermission } from './RequirePermission'
import { RouteError } from './RouteError'

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
  {
    element: <AppShell />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'account', element: <AccountPage /> },
      ...features.flatMap((feature) =>
        [feature, ...(feature.pages ?? [])].map((page) => ({
          path: page.path,
          element: <RequirePermission permission={feature.permission}>{page.element}</RequirePermission>,
        })),
      ),
      { path: '*', element: <NotFoundPage /> },
    ],
  },
])
