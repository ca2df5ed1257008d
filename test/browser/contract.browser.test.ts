/**
 * The function and member contracts, run in headless Chromium: the library
 * promises browsers as well as Node. These import the same test bodies the
 * Node projects run.
 */
import '../core/function.test.js';
import '../core/async.test.js';
import { memberSuite } from '../members/suite.js';

memberSuite('tc39');
