import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LicenceStatus } from '../types.js';

const colours: Record<LicenceStatus, string> = {
  applied: 'processing',
  approved: 'success',
  suspended: 'warning',
  revoked: 'error',
};

/** A licence status as a coloured tag. */
export function StatusTag({ status }: { status: LicenceStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={colours[status] ?? 'default'} data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`status.${status}`)}
    </Tag>
  );
}
