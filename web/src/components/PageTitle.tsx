import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

/** The heading of a page, with actions on the right. */
export function PageTitle({ title, subtitle, extra }: { title: ReactNode; subtitle?: ReactNode; extra?: ReactNode }) {
  return (
    <Flex className="fh-page-title" justify="space-between" align="flex-end" wrap gap={12}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {subtitle && <Typography.Text type="secondary">{subtitle}</Typography.Text>}
      </div>
      {extra && <div>{extra}</div>}
    </Flex>
  );
}
