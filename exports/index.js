'use strict';
require('./register.js');
module.exports = require('./index.ts');
