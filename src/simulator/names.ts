/** Word lists for generated organizations. */

export const GIVEN_NAMES = [
  'Ada', 'Ben', 'Clara', 'David', 'Elena', 'Felix', 'Greta', 'Hannah', 'Ivan', 'Jana', 'Karl', 'Lena', 'Mika', 'Nora',
  'Oskar', 'Paula', 'Quentin', 'Rosa', 'Samir', 'Tara', 'Uwe', 'Vera', 'Wim', 'Xenia', 'Yusuf', 'Zoe', 'Amir', 'Bianca',
  'Chen', 'Dana', 'Emil', 'Fatima', 'Georg', 'Hiro', 'Ines', 'Jonas', 'Kai', 'Luca', 'Maya', 'Nils', 'Olga', 'Priya',
  'Rafael', 'Sofia', 'Tom', 'Ulla', 'Viktor', 'Wen', 'Yara', 'Zeynep',
] as const;

export const FAMILY_NAMES = [
  'Achterberg', 'Bauer', 'Costa', 'Dimitrov', 'Eriksen', 'Fischer', 'Garcia', 'Hoffmann', 'Ito', 'Jensen', 'Keller',
  'Lopez', 'Meyer', 'Nowak', 'Okafor', 'Petrov', 'Quinn', 'Richter', 'Schmidt', 'Tanaka', 'Ueda', 'Vogel', 'Wagner',
  'Xu', 'Yilmaz', 'Zimmer', 'Alvarez', 'Becker', 'Chowdhury', 'Dubois', 'Engel', 'Fontaine', 'Gupta', 'Huber', 'Iqbal',
  'Jovanovic', 'Kowalski', 'Lindqvist', 'Moreau', 'Nakamura', 'Olsen', 'Park', 'Rossi', 'Sato', 'Torres', 'Urban',
  'Varga', 'Weber', 'Yamada', 'Zhang',
] as const;

export const PRODUCTS = [
  'Web', 'iOS', 'Android', 'Backend', 'Checkout', 'Search', 'Marketing Site', 'Data Warehouse', 'Growth', 'Payments',
  'Onboarding', 'Support Portal', 'Partner API', 'Smart TV', 'Desktop', 'Loyalty', 'Catalog', 'Recommendations',
  'Notifications', 'Billing', 'Identity', 'Maps', 'Messaging', 'Video', 'Ads', 'Shop', 'Wallet', 'Kiosk', 'Watch', 'Labs',
] as const;

/** Environments; the first is production. */
export const ENVIRONMENTS = ['Production', 'Staging', 'Development', 'QA', 'Sandbox'] as const;

export const TEAMS = [
  'Product Analytics', 'Growth Team', 'Marketing', 'Data Engineering', 'Mobile', 'Leadership', 'Customer Success',
  'Finance', 'Design', 'Platform', 'Experimentation', 'Sales Ops',
] as const;

export const CONTRACTOR_COMPANIES = ['Northwind Consulting', 'Contoso Analytics', 'Fabrikam Digital', 'Tailspin Data'] as const;

export const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
] as const;

export const KEY_STORES = ['Vault: secret/amplitude', 'AWS Secrets Manager', 'GitHub Actions secret', '1Password: Analytics', 'Kubernetes secret'] as const;

export const CUSTOM_ROLES = [
  { name: 'Data Steward', level: 'manager', description: 'Manages taxonomy and data quality, no project settings' },
  { name: 'Read-only Auditor', level: 'viewer', description: 'Views charts and dashboards for audits' },
  { name: 'Growth Analyst', level: 'member', description: 'Builds charts and cohorts, no exports to destinations' },
] as const;
