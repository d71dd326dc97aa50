export const reportKinds = ['console', 'junit', 'json', 'html'] as const;
export type ReportKind = (typeof reportKinds)[number];
