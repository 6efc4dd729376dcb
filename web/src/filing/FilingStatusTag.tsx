import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FilingStatus } from '../types.js';

const colours: Record<FilingStatus, string> = {
  received: 'default',
  validating: 'processing',
  errors: 'error',
  warnings: 'warning',
  clean: 'cyan',
  verified: 'geekblue',
  signed: 'purple',
  accepted: 'success',
  superseded: 'default',
};

/** A filing's place in its lifecycle as a coloured tag. */
export function FilingStatusTag({ status }: { status: FilingStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={colours[status] ?? 'default'} data-filing-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`filingStatus.${status}`)}
    </Tag>
  );
}
