import { memberSharedSuite } from '../members/shared.js';
import { memberSuite } from '../members/suite.js';

memberSuite('legacy');
memberSharedSuite();
