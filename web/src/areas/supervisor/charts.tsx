/** ECharts with only the parts the dashboard uses, so the supervisor chunk stays small. */
import { useEffect, useMemo, useState } from 'react';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, TitleComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, TitleComponent, CanvasRenderer]);

/** The dashboard palette: beacon red first, then calm regulator tones. */
export const palette = ['#a8071a', '#d48806', '#1d39c4', '#389e0d', '#531dab', '#08979c', '#c41d7f', '#595959'];

/** Canvas text needs a real font list; the same CJK-first stack as the page. */
const chartFont = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Helvetica Neue', Arial, sans-serif";

/**
 * One chart. `data-rendered` turns true once ECharts has finished drawing (animations included),
 * so that a browser test can wait for the drawing rather than for a length of time.
 */
export function Chart({ option, height = 320, testId }: { option: EChartsCoreOption; height?: number; testId?: string }) {
  const [rendered, setRendered] = useState(false);
  const merged = useMemo(() => ({ color: palette, textStyle: { fontFamily: chartFont }, ...option }), [option]);
  useEffect(() => setRendered(false), [merged]);
  const events = useMemo(() => ({ finished: () => setRendered(true) }), []);
  return (
    <div data-testid={testId} data-rendered={rendered}>
      <ReactEChartsCore echarts={echarts} option={merged} style={{ height }} notMerge lazyUpdate onEvents={events} />
    </div>
  );
}
