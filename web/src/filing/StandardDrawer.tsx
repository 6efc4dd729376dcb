import { Drawer, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Edit, StandardField } from '../types.js';
import { codesOf, useZhEn, type Standard } from './standard.js';

/**
 * The data standard beside the upload form: what each record type's file must contain (column
 * names, types, code values) and which edits it goes through.
 */
export function StandardDrawer({ open, onClose, standard, recordType, onRecordType }: { open: boolean; onClose: () => void; standard: Standard | undefined; recordType: string; onRecordType: (type: string) => void }) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const text = useZhEn();
  const [tab, setTab] = useState('fields');
  const type = standard?.recordTypes.find((r) => r.type === recordType) ?? standard?.recordTypes[0];
  const edits = [...(standard?.edits.values() ?? [])].filter((edit) => type && (edit.recordTypes === 'all' || edit.recordTypes.includes(type.type)));

  const fieldColumns: TableColumnsType<StandardField> = [
    {
      title: t('standard.column'),
      key: 'name',
      width: 230,
      render: (_, field) => (
        <div>
          <span className="fh-mono fh-strong">{field.name}</span>
          {field.required && <Tag color="red" className="fh-required-tag">{t('standard.required')}</Tag>}
          <div>{text(field)}</div>
        </div>
      ),
    },
    { title: t('standard.type'), dataIndex: 'type', key: 'type', width: 110, render: (value: string) => <span className="fh-mono">{value}</span> },
    {
      title: t('standard.meaning'),
      key: 'meaning',
      render: (_, field) => {
        const codes = field.codeList ? codesOf(standard, field.codeList) : [];
        const description = english ? field.descriptionEn : field.descriptionZh;
        return (
          <div>
            {description && <div>{description}</div>}
            {codes.length > 0 && (
              <div className="fh-codes">
                {codes.map((code) => (
                  <Tag key={code.code}>
                    <span className="fh-mono">{code.code}</span> {english ? code.en : code.zh}
                  </Tag>
                ))}
              </div>
            )}
          </div>
        );
      },
    },
  ];

  const editColumns: TableColumnsType<Edit> = [
    { title: t('filings.editId'), dataIndex: 'id', key: 'id', width: 80, render: (id: string) => <span className="fh-mono fh-strong">{id}</span> },
    { title: t('filings.severity'), dataIndex: 'severity', key: 'severity', width: 90, render: (severity: Edit['severity']) => <Tag color={severity === 'error' ? 'red' : 'orange'}>{t(`filings.severityName.${severity}`)}</Tag> },
    { title: t('filings.message'), key: 'message', render: (_, edit) => text(edit) },
  ];

  return (
    <Drawer open={open} onClose={onClose} size={880} title={t('standard.title')} data-testid="standard-drawer">
      {type && (
        <>
          <Space style={{ marginBottom: 12 }} wrap>
            <Select value={type.type} onChange={onRecordType} style={{ width: 240 }} options={standard?.recordTypes.map((r) => ({ value: r.type, label: `${text(r)} (${r.type})` }))} />
          </Space>
          <Typography.Paragraph type="secondary">{english ? type.descriptionEn : type.descriptionZh}</Typography.Paragraph>
          <Typography.Paragraph>
            {t('standard.header')} <Typography.Text className="fh-mono" copyable>{type.fields.map((field) => field.name).join(',')}</Typography.Text>
          </Typography.Paragraph>
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              { key: 'fields', label: t('standard.fields', { count: type.fields.length }), children: <Table rowKey="name" size="small" columns={fieldColumns} dataSource={type.fields} pagination={false} /> },
              { key: 'edits', label: t('standard.edits', { count: edits.length }), children: <Table rowKey="id" size="small" columns={editColumns} dataSource={edits} pagination={{ pageSize: 20, size: 'small' }} /> },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}
