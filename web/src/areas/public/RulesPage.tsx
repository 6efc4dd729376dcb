import { useTranslation } from 'react-i18next';
import { PublicPage } from '../../components/AppLayout.js';
import { RulebookView } from '../../rulebook/RulebookView.js';

/** The rulebook for anyone, without logging in: the national rules by default. */
export function RulesPage() {
  const { t } = useTranslation();
  return (
    <PublicPage>
      <RulebookView defaultJurisdiction="000000" subtitle={t('rulebook.publicSubtitle')} />
    </PublicPage>
  );
}
