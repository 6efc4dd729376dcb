import { Button, Grid, Layout, Menu, Result } from 'antd';
import type { MenuProps } from 'antd';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { areaHome, useSession } from '../session.js';
import type { Role } from '../types.js';

export interface AreaMenuItem {
  path: string;
  labelKey: string;
  icon: React.ReactNode;
  /** A count beside the label, e.g. of what waits for an answer. */
  badge?: React.ReactNode;
}

/**
 * The frame of a logged-in area: only `role` may enter (others are sent to log in, or shown a
 * refusal), with the area's menu on the left.
 */
export function RoleArea({ role, menu }: { role: Role; menu: AreaMenuItem[] }) {
  const { t } = useTranslation();
  const { principal } = useSession();
  const location = useLocation();
  const screens = Grid.useBreakpoint();

  if (!principal) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (principal.role !== role) {
    return (
      <Layout.Content className="fh-public">
        <Result
          status="403"
          title={t('error.forbiddenTitle')}
          subTitle={t('error.forbiddenArea', { role: t(`role.${role}`) })}
          extra={
            <Link to={areaHome[principal.role]}>
              <Button type="primary">{t(`nav.area.${principal.role}`)}</Button>
            </Link>
          }
        />
      </Layout.Content>
    );
  }

  // The longest menu path that prefixes the location is the selected entry.
  const selected = [...menu].sort((a, b) => b.path.length - a.path.length).find((item) => location.pathname === item.path || location.pathname.startsWith(`${item.path}/`));
  const items: MenuProps['items'] = menu.map((item) => ({ key: item.path, icon: item.icon, label: (
      <Link to={item.path}>
        {t(item.labelKey)}
        {item.badge}
      </Link>
    ),
  }));

  // Below the large breakpoint the menu runs across the top: a side menu would take the phone's width.
  // Every entry stays visible, wrapping onto a second line; folding some into "…" would hide them.
  if (screens.lg === false) {
    return (
      <Layout className="fh-area">
        <Menu mode="horizontal" disabledOverflow selectedKeys={selected ? [selected.path] : []} items={items} className="fh-menu-top" data-testid="area-menu" />
        <Layout.Content className="fh-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    );
  }

  return (
    <Layout className="fh-area">
      <Layout.Sider width={208} theme="light" className="fh-sider">
        <div className="fh-sider-title">{t(`nav.area.${role}`)}</div>
        <Menu mode="inline" selectedKeys={selected ? [selected.path] : []} items={items} className="fh-menu" />
      </Layout.Sider>
      <Layout.Content className="fh-content">
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
