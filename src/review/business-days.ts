/**
 * US federal holidays and the FCC's ten-business-day deadline for honouring a revocation of consent
 * (47 CFR 64.1200(a)(10), in force since 11 April 2025).
 *
 * The holidays are the ones of 5 U.S.C. 6103(a) (https://www.law.cornell.edu/uscode/text/5/6103),
 * with the Office of Personnel Management's rule for days that fall on a weekend: a Saturday holiday
 * is observed on the Friday before, a Sunday holiday on the Monday after
 * (https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/). Weekends and observed
 * holidays are not business days.
 */

/** One federal holiday: a fixed date, or the nth (or last, -1) given weekday of a month. */
type HolidayRule =
  | { readonly name: string; readonly month: number; readonly day: number }
  | { readonly name: string; readonly month: number; readonly weekday: number; readonly nth: number };

/** 5 U.S.C. 6103(a). Months 1–12, weekdays 0 (Sunday) – 6. */
export const US_FEDERAL_HOLIDAYS: readonly HolidayRule[] = [
  { name: "New Year's Day", month: 1, day: 1 },
  { name: 'Birthday of Martin Luther King, Jr.', month: 1, weekday: 1, nth: 3 },
  { name: "Washington's Birthday", month: 2, weekday: 1, nth: 3 },
  { name: 'Memorial Day', month: 5, weekday: 1, nth: -1 },
  { name: 'Juneteenth National Independence Day', month: 6, day: 19 },
  { name: 'Independence Day', month: 7, day: 4 },
  { name: 'Labor Day', month: 9, weekday: 1, nth: 1 },
  { name: 'Columbus Day', month: 10, weekday: 1, nth: 2 },
  { name: 'Veterans Day', month: 11, day: 11 },
  { name: 'Thanksgiving Day', month: 11, weekday: 4, nth: 4 },
  { name: 'Christmas Day', month: 12, day: 25 },
];

/** Business days the FCC allows to honour a revocation. */
export const REVOCATION_BUSINESS_DAYS = 10;

const DAY_MS = 86_400_000;

/** The observed federal holidays of a year as `YYYY-MM-DD` (UTC calendar days). */
export function federalHolidays(year: number): string[] {
  return US_FEDERAL_HOLIDAYS.map((rule) => dayKey(observed(holidayDate(year, rule))));
}

const cache = new Map<number, ReadonlySet<string>>();

/** Whether a UTC calendar day is a US business day: not a weekend, not an observed federal holiday. */
export function isBusinessDay(day: Date): boolean {
  const weekday = day.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const year = day.getUTCFullYear();
  // New Year's Day of the next year can be observed on 31 December.
  return !holidaysOf(year).has(dayKey(day)) && !holidaysOf(year + 1).has(dayKey(day));
}

/**
 * When a revocation received at `received` must be honoured by: the same time of day on the tenth
 * business day after the day it arrived (US calendar days counted in UTC; a message that arrives on
 * a weekend or holiday starts the count at the next business day the same way).
 */
export function revocationDueBy(received: Date, businessDays = REVOCATION_BUSINESS_DAYS): Date {
  const time = received.getTime();
  const day = Math.floor(time / DAY_MS);
  const memo = Number.isInteger(businessDays) && businessDays >= 0 && businessDays < 64;
  const key = day * 64 + businessDays;
  let offset = memo ? offsets.get(key) : undefined;
  if (offset === undefined) {
    offset = 0;
    for (let counted = 0; counted < businessDays; ) {
      offset++;
      if (isBusinessDay(new Date((day + offset) * DAY_MS))) counted++;
    }
    // The calendar repeats per received day: a small memo (bounded) makes the hot path one lookup.
    if (memo) {
      if (offsets.size >= 20_000) offsets.clear();
      offsets.set(key, offset);
    }
  }
  return new Date(time + offset * DAY_MS);
}

/** Days from a received UTC day to its deadline, by `day * 64 + businessDays`. */
const offsets = new Map<number, number>();

function holidaysOf(year: number): ReadonlySet<string> {
  let days = cache.get(year);
  if (!days) {
    days = new Set(federalHolidays(year));
    cache.set(year, days);
  }
  return days;
}

function holidayDate(year: number, rule: HolidayRule): Date {
  if ('day' in rule) return new Date(Date.UTC(year, rule.month - 1, rule.day));
  if (rule.nth > 0) {
    const first = new Date(Date.UTC(year, rule.month - 1, 1));
    const offset = (rule.weekday - first.getUTCDay() + 7) % 7;
    return new Date(Date.UTC(year, rule.month - 1, 1 + offset + (rule.nth - 1) * 7));
  }
  const last = new Date(Date.UTC(year, rule.month, 0));
  const back = (last.getUTCDay() - rule.weekday + 7) % 7;
  return new Date(Date.UTC(year, rule.month - 1, last.getUTCDate() - back));
}

function observed(day: Date): Date {
  const weekday = day.getUTCDay();
  if (weekday === 6) return new Date(day.getTime() - DAY_MS);
  if (weekday === 0) return new Date(day.getTime() + DAY_MS);
  return day;
}

function dayKey(day: Date): string {
  return day.toISOString().slice(0, 10);
}
