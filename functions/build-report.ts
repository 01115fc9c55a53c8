/** Builds the daily report (here: logs its name). */
import { on } from '../contracts';
import { ReportRequested } from '../app/events';

export const handler = on(ReportRequested, async (event, ctx) => {
  const day = event.data.date.slice(0, 10);
  ctx.log.info('report built', { report: `reports/${day}.csv` });
});
