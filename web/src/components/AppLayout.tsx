import { Button, Dropdown, Layout, Segmented, Space, Typography } from 'antd';
import { BarChartOutlined, BookOutlined, LogoutOutlined, UserOutlined, DashboardOutlined, SearchOutlined } from '@ant-design/icons';
import { Link, NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { Logo } from './Logo.js';
import { setLanguage, currentLanguage, type Language } from '../i18n/index.js';
import { areaHome, useSession } from '../session.js';
import type { Principal } from '../types.js';
import { useLocalName } from './format.js';

const chinese = /[\u4e00-\u9fff]/;

/**
 * The name shown for whoever is logged in. A supervisor's display name is usually Chinese; the
 * English UI names the jurisdiction's English name instead ("Zhejiang supervisor").
 */
function usePrincipalName(): (principal: Principal) => string {
  const name = useLocalName();
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return (principal) => {
    if (principal.role === 'institution') return name(principal.institution);
    if (principal.role === 'supervisor' && english && chinese.test(principal.displayName)) return t('nav.supervisorOf', { jurisdiction: principal.jurisdiction.nameEn });
    return principal.displayName;
  };
}

/** Top bar (name, navigation, language, login) above every page. */
export function AppLayout() {
  const { t } = useTranslation();
  const { principal, end } = useSession();
  const navigate = useNavigate();
  const principalName = usePrincipalName();

  const logout = async () => {
    await end();
    void navigate('/');
  };

  return (
    <Layout className="fh-shell">
      <Layout.Header className="fh-header">
        <Link to="/" className="fh-brand" aria-label={t('app.name')}>
          <Logo size={34} />
          <span className="fh-brand-text">
            <span className="fh-brand-name">{t('app.name')}</span>
            <span className="fh-brand-tagline">{t('app.tagline')}</span>
          </span>
        </Link>
        <nav className="fh-nav">
          <NavLink to="/" end className="fh-nav-link">
            <SearchOutlined /> <span className="fh-nav-label">{t('nav.registry')}</span>
          </NavLink>
          <NavLink to="/rules" className="fh-nav-link">
            <BookOutlined /> <span className="fh-nav-label">{t('nav.rulebook')}</span>
          </NavLink>
          <NavLink to="/complaint-statistics" className="fh-nav-link">
            <BarChartOutlined /> <span className="fh-nav-label">{t('complaints.menu.statistics')}</span>
          </NavLink>
          {principal && (
            <NavLink to={areaHome[principal.role]} className="fh-nav-link">
              <DashboardOutlined /> <span className="fh-nav-label">{t(`nav.area.${principal.role}`)}</span>
            </NavLink>
          )}
        </nav>
        <Space size="middle" className="fh-header-tools">
          <Segmented<Language>
            size="small"
            className="fh-language"
            value={currentLanguage()}
            onChange={(value) => void setLanguage(value)}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
            aria-label={t('nav.language')}
          />
          {principal ? (
            <Dropdown
              menu={{
                items: [
                  { key: 'area', icon: <DashboardOutlined />, label: t(`nav.area.${principal.role}`), onClick: () => void navigate(areaHome[principal.role]) },
                  { type: 'divider' },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout'), onClick: () => void logout() },
                ],
              }}
            >
              <Button type="text" className="fh-user" icon={<UserOutlined />} data-testid="user-menu">
                <span className="fh-user-name">{principalName(principal)}</span>
                <Typography.Text className="fh-user-role">{t(`role.${principal.role}`)}</Typography.Text>
              </Button>
            </Dropdown>
          ) : (
            <Space size="small">
              <Link to="/register">
                <Button type="text" className="fh-header-button">{t('nav.register')}</Button>
              </Link>
              <Link to="/login">
                <Button className="fh-login-button">{t('nav.login')}</Button>
              </Link>
            </Space>
          )}
        </Space>
      </Layout.Header>
      <Outlet />
      <Layout.Footer className="fh-footer">{t('app.footer')}</Layout.Footer>
    </Layout>
  );
}

/** A public page: centred content without a side menu. */
export function PublicPage({ children }: { children: React.ReactNode }) {
  return (
    <Layout.Content className="fh-public">
      <div className="fh-public-inner">{children}</div>
    </Layout.Content>
  );
}
