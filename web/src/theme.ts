import type { ThemeConfig } from 'antd';

/** Ant Design tokens: a regulator's deep red with a beacon-fire accent, on a quiet grey page. */
export const beaconRed = '#a8071a';

export const theme: ThemeConfig = {
  token: {
    colorPrimary: beaconRed,
    colorLink: '#a8071a',
    colorInfo: '#1d39c4',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Helvetica Neue', Arial, sans-serif",
    colorBgLayout: '#f3f1ef',
  },
  components: {
    Layout: { headerBg: '#7a0f14', headerHeight: 60, headerPadding: '0 24px', siderBg: '#ffffff', footerBg: '#f3f1ef' },
    Menu: { itemSelectedBg: '#fff1f0', itemSelectedColor: beaconRed },
    Card: { headerFontSize: 15 },
    Table: { headerBg: '#faf7f5' },
  },
};

/**
 * The theme for English pages: Latin fonts before the CJK ones, so that punctuation such as ’ is
 * drawn at Latin width (a CJK font draws it full-width); Chinese names still fall back to CJK.
 */
export const englishTheme: ThemeConfig = {
  ...theme,
  token: {
    ...theme.token,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif",
  },
};
