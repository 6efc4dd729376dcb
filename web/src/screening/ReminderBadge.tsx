import { Badge } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import type { ReminderView } from './types.js';

const CHANGED = 'fenghuo:reminders-changed';

/** Tell the menu's count that a reminder was answered. */
export function remindersChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

/** How many of the consumer's payments wait for an answer, as a badge beside the menu entry; nothing when none. */
export function ReminderBadge() {
  const { t } = useTranslation();
  const [count, setCount] = useState(0);
  useEffect(() => {
    let current = true;
    const load = () => {
      api.get<{ items: ReminderView[] }>('/v1/consumer/reminders', { status: 'pending', pageSize: 100 }).then(
        (reply) => {
          if (current) setCount(reply.items.length);
        },
        () => undefined,
      );
    };
    load();
    window.addEventListener(CHANGED, load);
    return () => {
      current = false;
      window.removeEventListener(CHANGED, load);
    };
  }, []);
  if (count === 0) return null;
  return <Badge count={count} size="small" title={t('screening.inbox.badgeTitle', { count })} style={{ marginInlineStart: 8 }} data-testid="reminder-badge" />;
}
