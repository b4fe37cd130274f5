/** The tool version, written into every manifest and PDF. Kept in sync with package.json by a test. */
export const TOOL_VERSION = '0.1.0';
