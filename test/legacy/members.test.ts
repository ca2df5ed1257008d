import { memberSuite } from '../members/suite.js';

memberSuite('legacy');
