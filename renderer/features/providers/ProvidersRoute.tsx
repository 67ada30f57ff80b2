import { useUi } from '../../state/ui';
import { ProviderDetailPage } from './detail/ProviderDetailPage';
import { ProvidersPage } from './ProvidersPage';

/** `#/providers` is the grid, `#/providers/<id>` one provider. */
export function ProvidersRoute() {
  const providerId = useUi((state) => state.providerId);
  // Keyed so switching providers starts the detail afresh (scroll, follow, filter).
  return providerId ? <ProviderDetailPage key={providerId} id={providerId} /> : <ProvidersPage />;
}
