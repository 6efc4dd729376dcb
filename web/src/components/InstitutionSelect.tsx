import { Empty, Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { useLocalName } from './format.js';
import type { InstitutionSummary, Page } from '../types.js';

/** A registered institution, found in the public licence registry by part of its name; `placeholder` is already translated. */
export function InstitutionSelect({ value, onChange, placeholder, testId }: { value?: string; onChange?: (value: string) => void; placeholder: string; testId: string }) {
  const name = useLocalName();
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<InstitutionSummary[]>([]);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    // Wait for a pause in typing before asking the registry.
    const timer = setTimeout(() => {
      api.get<Page<InstitutionSummary>>('/v1/public/institutions', { q: query.trim() || undefined, pageSize: 20 }).then(
        (page) => {
          if (ticket !== latest.current) return;
          setOptions(page.items);
          setLoading(false);
        },
        () => ticket === latest.current && setLoading(false),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [query]);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQuery }}
      value={value}
      onChange={onChange}
      loading={loading}
      placeholder={placeholder}
      options={options.map((item) => ({ value: item.institutionId, label: name(item) }))}
      notFoundContent={loading ? undefined : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      data-testid={testId}
    />
  );
}
