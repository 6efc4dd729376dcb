import { useTranslation } from 'react-i18next';
import { RulebookView } from '../../rulebook/RulebookView.js';
import { useSession } from '../../session.js';

/** The rulebook as the supervisor reads it: their own jurisdiction by default, each rule with "tighten". */
export function RulebookPage() {
  const { t } = useTranslation();
  const { principal } = useSession();
  const own = principal?.role === 'supervisor' ? principal.jurisdiction.code : '000000';
  return <RulebookView defaultJurisdiction={own} subtitle={t('rulebook.subtitle')} tightenPath={(ruleId) => `/supervisor/rules/${encodeURIComponent(ruleId)}/tighten`} />;
}
