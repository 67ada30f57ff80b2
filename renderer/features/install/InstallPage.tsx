import { Page } from '../../components/Page';
import { Wizard } from './wizard/Wizard';
import { Maintenance } from './Maintenance';
import './install.css';

export function InstallPage() {
  return (
    <Page id="install" title="Install" subtitle="Check this machine, choose providers, and install them with live progress.">
      <Wizard />
      <Maintenance />
    </Page>
  );
}
