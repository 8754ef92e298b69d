/** How `get` prints: the server's tables, and yaml/json/name/jsonpath/custom-columns. */
export { TabWriter, tabbed, getTableOptions, describeOptions, type TabWriterOptions } from './tabwriter.js';
export { TablePrinter, printTable, tableLines, labelHeader, formatLabelMap, cellText, type Table, type TableRow, type TableColumn, type TableOptions } from './table.js';
export { JsonPath, JsonPathError, relaxed, valueText } from './jsonpath.js';
export { parseOutput, printObjects, kindName, asList, toJson, toYamlText, OutputFormatError, type OutputFormat } from './output.js';
