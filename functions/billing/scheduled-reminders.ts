import { sendDueReminders } from '../../shared/billing/reminders.js';

/** The daily follow-up's target (`shared/billing/schedule.ts`): reminders of unpaid invoices, once per step. */
export const handler = async (): Promise<{ overdue: number; reminded: number }> => {
  const { overdue, reminded } = await sendDueReminders(new Date());
  return { overdue, reminded: reminded.length };
};
