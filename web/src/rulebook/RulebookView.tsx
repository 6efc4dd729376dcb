import { Button, Card, Collapse, DatePicker, Empty, Flex, Grid, Select, Skeleton, Space, Table, Tag, Tooltip, TreeSelect, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { PageTitle } from '../components/PageTitle.js';
import { useLocalName } from '../components/format.js';
import { jurisdictionTree, useReference } from '../components/reference.js';
import { useRemote } from '../components/useRemote.js';
import { useUrlFilters } from '../components/useUrlFilters.js';
import { useRecordTypeName, useStandard, useZhEn } from '../filing/standard.js';
import type { Rule, RuleParameter, RulesReply } from '../types.js';
import { SeverityTag } from './tags.js';
import { tierChain, tierOf, tighter, todayInChina } from './parameters.js';
import { useValueText } from './values.js';

const packs = ['conduct', 'reporting'] as const;

interface Props {
  /** The jurisdiction the page opens on (the supervisor's own; the country for the public). */
  defaultJurisdiction: string;
  /** Where a rule's "tighten" form lives, when the reader may tighten; absent for the public. */
  tightenPath?: (ruleId: string) => string;
  subtitle: string;
}

/** The name of a jurisdiction by its code, from the reference data (the code while it loads). */
export function useJurisdictionName(): (code: string) => string {
  const reference = useReference();
  const name = useLocalName();
  return (code) => {
    const found = reference.jurisdictions.find((j) => j.code === code);
    return found ? name(found) : code;
  };
}

/**
 * The rules in force in a jurisdiction on a date, grouped by the record type they check, each with
 * its legal basis and, per parameter, the value each tier set beside the one in force.
 */
export function RulebookView({ defaultJurisdiction, tightenPath, subtitle }: Props) {
  const { t } = useTranslation();
  const name = useLocalName();
  const reference = useReference();
  const { standard } = useStandard();
  const recordTypeName = useRecordTypeName(standard);
  const url = useUrlFilters();
  const jurisdiction = url.get('jurisdiction') ?? defaultJurisdiction;
  const date = url.get('date') ?? todayInChina();
  const pack = url.get('pack');
  const query = { jurisdiction, date, pack };
  const rules = useRemote(() => api.get<RulesReply>('/v1/rules', query), JSON.stringify(query));
  const data = rules.data;

  // Groups in the order of the data standard's record types.
  const order: string[] = (standard?.recordTypes ?? []).map((r) => r.type);
  const groups = new Map<string, Rule[]>();
  for (const rule of data?.rules ?? []) {
    const type = rule.recordTypes[0] ?? '';
    groups.set(type, [...(groups.get(type) ?? []), rule]);
  }
  const sortedGroups = [...groups].sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));

  return (
    <>
      <PageTitle title={t('rulebook.title')} subtitle={subtitle} />
      <Card className="fh-card" style={{ marginBottom: 16 }}>
        <Flex className="fh-filters" gap={12} wrap style={{ marginBottom: 0 }}>
          <TreeSelect
            showSearch
            treeNodeFilterProp="title"
            placeholder={t('rulebook.jurisdiction')}
            value={jurisdiction}
            onChange={(value?: string) => url.set('jurisdiction', value)}
            treeData={jurisdictionTree(reference.jurisdictions, name)}
            treeDefaultExpandedKeys={[jurisdiction.slice(0, 2) === '00' ? '000000' : `${jurisdiction.slice(0, 2)}0000`]}
            style={{ minWidth: 220 }}
            data-testid="rulebook-jurisdiction"
          />
          <DatePicker
            allowClear={false}
            format="YYYY-MM-DD"
            value={dayjs(date)}
            onChange={(value) => url.set('date', value ? value.format('YYYY-MM-DD') : undefined)}
            data-testid="rulebook-date"
          />
          <Select
            allowClear
            placeholder={t('rulebook.pack')}
            style={{ width: 160 }}
            value={pack}
            onChange={(value?: string) => url.set('pack', value)}
            options={packs.map((value) => ({ value, label: t(`rulebook.packs.${value}`) }))}
            data-testid="rulebook-pack"
          />
          <div className="fh-grow" />
          {data && <Typography.Text type="secondary">{t('rulebook.count', { count: data.rules.length })}</Typography.Text>}
        </Flex>
      </Card>
      {rules.error !== undefined && <ErrorState error={rules.error} onRetry={rules.reload} />}
      {!data && rules.loading && <Skeleton active paragraph={{ rows: 10 }} />}
      {data && data.rules.length === 0 && (
        <Card className="fh-card">
          <Empty description={t('rulebook.none')} />
        </Card>
      )}
      {data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="rulebook" data-jurisdiction={data.jurisdiction.code} data-date={data.date}>
          {sortedGroups.map(([type, list]) => (
            <section key={type} data-testid="rule-group" data-record-type={type}>
              <Typography.Title level={4} style={{ margin: '8px 0 12px' }}>
                {t('rulebook.group', { type: recordTypeName(type), count: list.length })}
              </Typography.Title>
              <Space orientation="vertical" size={12} style={{ width: '100%' }}>
                {list.map((rule) => (
                  <RuleCard key={rule.id} rule={rule} jurisdiction={data.jurisdiction.code} tightenPath={tightenPath} />
                ))}
              </Space>
            </section>
          ))}
        </Space>
      )}
    </>
  );
}

/** One rule: title, severity, basis, the parameters tier by tier, the condition on request. */
function RuleCard({ rule, jurisdiction, tightenPath }: { rule: Rule; jurisdiction: string; tightenPath?: (ruleId: string) => string }) {
  const { t } = useTranslation();
  const text = useZhEn();
  const jurisdictionName = useJurisdictionName();
  const valueText = useValueText();
  const chain = tierChain(jurisdiction);
  const adjustable = rule.parameters.some((parameter) => parameter.direction !== 'fixed');
  // On a phone the button goes under the rule: beside the title it would leave the title a sliver.
  const phone = Grid.useBreakpoint().md === false;
  const tightenButton =
    tightenPath && adjustable ? (
      <Link to={tightenPath(rule.id)}>
        <Button size="small" icon={<EditOutlined />} data-testid="tighten">
          {t('rulebook.tighten')}
        </Button>
      </Link>
    ) : undefined;

  const tierTitle = (code: string) => {
    const tier = tierOf(code);
    const label = t(tier === 'national' ? 'rulebook.tierNational' : tier === 'province' ? 'rulebook.tierProvince' : 'rulebook.tierCity');
    return tier === 'national' ? label : `${label} · ${jurisdictionName(code)}`;
  };

  /** The value a tier set, marked when it is stricter than the tier above it; "inherited" when it set none. */
  const tierCell = (parameter: RuleParameter, code: string) => {
    const index = chain.indexOf(code);
    const own = parameter.tiers.find((tier) => tier.jurisdiction === code);
    if (!own) return <Typography.Text type="secondary">{t('rulebook.inherited')}</Typography.Text>;
    const above = chain
      .slice(0, index)
      .reverse()
      .map((c) => parameter.tiers.find((tier) => tier.jurisdiction === c))
      .find((tier) => tier !== undefined);
    const tightened = above !== undefined && tighter(parameter, own.value, above.value);
    return (
      <Space size={6} wrap data-tier={code} data-tightened={tightened}>
        <span className={tightened ? 'fh-tightened' : undefined}>{valueText(parameter.type, own.value, parameter.unit)}</span>
        {tightened && <Tag color="volcano">{t('rulebook.tightened')}</Tag>}
      </Space>
    );
  };

  const columns: TableColumnsType<RuleParameter> = [
    {
      title: t('rulebook.parameter'),
      key: 'label',
      render: (_, parameter) => (
        <Space size={6} wrap>
          <span>{text(parameter.label, parameter.name)}</span>
          {parameter.verified === false && (
            <Tooltip title={t('rulebook.unverifiedHint')}>
              <Tag color="default">{t('rulebook.unverified')}</Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    { title: t('rulebook.direction'), dataIndex: 'direction', key: 'direction', render: (direction: RuleParameter['direction']) => t(`rulebook.directions.${direction}`) },
    ...chain.map((code) => ({ title: tierTitle(code), key: `tier-${code}`, render: (_: unknown, parameter: RuleParameter) => tierCell(parameter, code) })),
    {
      title: t('rulebook.inForce'),
      key: 'value',
      render: (_, parameter) => (
        <Typography.Text strong data-testid="parameter-value">
          {valueText(parameter.type, parameter.value, parameter.unit)}
        </Typography.Text>
      ),
    },
  ];

  return (
    <Card
      className="fh-card fh-rule-card"
      size="small"
      data-testid="rule-card"
      data-rule-id={rule.id}
      title={
        <Space wrap size={8} className="fh-rule-title">
          <span>{text(rule.title)}</span>
          <SeverityTag severity={rule.severity} />
        </Space>
      }
      extra={phone ? undefined : tightenButton}
    >
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          <span className="fh-mono">{rule.id}</span> · {t('rulebook.version', { version: rule.version })} · {t('rulebook.madeBy', { jurisdiction: jurisdictionName(rule.jurisdiction) })} ·{' '}
          {rule.effectiveTo ? t('rulebook.effectiveRange', { from: rule.effectiveFrom, to: rule.effectiveTo }) : t('rulebook.effective', { from: rule.effectiveFrom })}
        </Typography.Text>
        <div data-testid="rule-basis">{t('rulebook.basis', { law: text(rule.basis.law), article: rule.basis.article, figure: text(rule.basis.figure) })}</div>
        {rule.note && (
          <Typography.Paragraph type="secondary" className="fh-rule-note" ellipsis={{ rows: 2, expandable: true, symbol: t('rulebook.more') }} style={{ marginBottom: 0 }}>
            {text(rule.note)}
          </Typography.Paragraph>
        )}
        {rule.parameters.length > 0 && phone ? (
          // On a phone, one block per parameter with a line per tier: a table would hide the value in force off the screen.
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            {rule.parameters.map((parameter) => (
              <div key={parameter.name} className="fh-parameter-block" data-parameter={parameter.name}>
                <div>
                  <Typography.Text strong>{text(parameter.label, parameter.name)}</Typography.Text> <Typography.Text type="secondary">· {t(`rulebook.directions.${parameter.direction}`)}</Typography.Text>
                  {parameter.verified === false && <Tag style={{ marginInlineStart: 6 }}>{t('rulebook.unverified')}</Tag>}
                </div>
                {chain.map((code) => (
                  <Flex key={code} justify="space-between" gap={8}>
                    <Typography.Text type="secondary">{tierTitle(code)}</Typography.Text>
                    {tierCell(parameter, code)}
                  </Flex>
                ))}
                <Flex justify="space-between" gap={8}>
                  <span>{t('rulebook.inForce')}</span>
                  <Typography.Text strong data-testid="parameter-value">
                    {valueText(parameter.type, parameter.value, parameter.unit)}
                  </Typography.Text>
                </Flex>
              </div>
            ))}
          </Space>
        ) : rule.parameters.length > 0 ? (
          <Table<RuleParameter> rowKey="name" size="small" columns={columns} dataSource={rule.parameters} pagination={false} scroll={{ x: 'max-content' }} onRow={(parameter) => ({ 'data-parameter': parameter.name }) as React.HTMLAttributes<HTMLElement>} />
        ) : (
          <Typography.Text type="secondary">{t('rulebook.noParameters')}</Typography.Text>
        )}
        <Collapse
          ghost
          size="small"
          items={[{ key: 'condition', label: t('rulebook.condition'), children: <pre className="fh-condition">{rule.condition}</pre> }]}
        />
        {phone && tightenButton}
      </Space>
    </Card>
  );
}
