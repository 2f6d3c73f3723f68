#include <cstdio>
int main() { std::puts("dcmms"); return 0; }
