'use strict';
require('./register.js');
module.exports = require('./program.ts');
